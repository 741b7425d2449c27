"""Word lists for generated people: handle stems (lowercase ASCII letters only), display names,
biographies and direct-message texts. Display names deliberately include accents, non-Latin
scripts and emoji, as real follower lists do."""

from __future__ import annotations

# Whitespace-separated word lists read better than list literals.
# ruff: noqa: SIM905

FIRST = """
anna maria sofia laura julia emma olivia mia lea sara nina elena clara alice eva ines marta paula
lucia ana carla irene chloe zoe ella ava amelia isla grace lily ruby hannah leah noa yara amira
fatima aisha zainab layla nour mariam salma hana yuki sakura aiko mei lin xiao jia min seo hyun
ji priya ananya diya kavya riya sneha pooja nisha fitri dewi putri ayu sari rina wulan indah siti
nurul ade rieana ivy jade maya luna stella aurora giulia chiara francesca valentina camila isabela
gabriela mariana fernanda daniela andrea natalia sophie louise camille manon jeanne ingrid freya
astrid sigrid olga irina katya daria alina polina tanya svetlana ewa kasia zofia agnieszka
james john david michael daniel lucas leo noah liam ethan oliver jack harry charlie thomas adam
max ben sam luke ryan kevin mark paul peter alex chris nick tom matt josh jake dylan kyle
mohamed ahmed omar ali hassan yusuf ibrahim karim rafli andika arief hudal farhan fajar rizky
budi agus dimas bayu eko hendra joko yoga raka aditya arjun rohan rahul vikram karan amit
sanjay ravi kenji hiroshi takumi haruto ren sota jun wei hao jian chen min jae hoon tae sung
carlos juan jose luis miguel pedro diego javier pablo sergio mateo santiago sebastian nicolas
andres felipe rafael marco luca matteo giovanni alessandro lorenzo francesco pierre louis hugo
jules arthur antoine lars sven erik nils magnus olaf ivan dmitri sergei nikolai pavel andrei
piotr tomasz jakub kacper onur emre burak mehmet can kerem
""".split()

LAST = """
smith jones brown taylor wilson evans thomas johnson roberts walker wright robinson thompson
white hughes edwards green hall wood harris lewis martin jackson clarke clark turner hill scott
cooper morris ward moore king watson baker harrison morgan patel young allen mitchell garcia
martinez rodriguez lopez gonzalez hernandez perez sanchez ramirez torres flores rivera gomez
diaz reyes morales ortiz silva santos oliveira souza lima pereira costa ferreira almeida rossi
russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti dubois
durand lefebvre moreau laurent simon michel garnier muller schmidt schneider fischer weber meyer
wagner becker schulz hoffmann nowak kowalski wisniewski ivanov smirnov kuznetsov popov petrov
sokolov kim lee park choi jung kang cho yoon jang lim wang zhang liu yang huang zhao wu zhou
sun tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi sato kato yilmaz kaya demir
sahin celik yildiz sharma singh kumar gupta verma reddy nair iyer khan rahman hossain ahmed
pratama saputra wijaya santoso hidayat nugroho lestari kurniawan setiawan anggraini munandar
nguyen tran pham hoang phan vu dang bui do ho ngo duong ly mensah okafor adeyemi okoye
""".split()

WORDS = """
travel photo daily official store shop studio art design fit fitness gym yoga run coffee food
foodie cook bakery cake sweet vegan green garden plant flower bloom sun moon star sky ocean sea
beach surf wave mountain hike wild nature forest urban city street style fashion outfit beauty
makeup nails hair skin glow boutique vintage retro music beats dance sing guitar piano film
cinema movie books reads write poet story life vibes mood dream happy smile love heart soul
mind zen calm pure real true bold brave free wander explore journey atlas nomad pixel byte code
tech digital web dev geek gamer play sport ball football soccer hoop tennis golf bike ride moto
car auto speed racing pet dog cat puppy kitty paws horse bird bee honey tea chai wine craft
home decor living interior build wood paper ink color paint sketch draw lens shot frame snap
click light shadow night dawn sunset golden silver crystal pearl ruby jade amber rose lily
""".split()

BUSINESS = """
Studio Store Boutique Official Academy Collective Kitchen Bakery Coffee Co Photography Design
Fitness Club Agency Media Market Gallery Shop Atelier Lab Works House Garden Travel Beauty
""".split()

# Display-name-only extras: real lists mix scripts and decorations.
ACCENTED = "José Zoë Müller Łukasz Øystein Ángel Renée Françoise Dvořák Ñúñez Çelik Şahin".split()
NON_LATIN = "Анна Дмитрий さくら 健太 민준 서연 محمد فاطمة 李娜 王伟 Αλέξης Ελένη".split()
EMOJI = ["🌻", "✨", "🌸", "⚡", "🌙", "💫", "🔥", "🌿", "☀️", "🎧", "📷", "♕", "🦋", "🌊"]

BIO_PARTS = [
    "Just living my best life",
    "Coffee first ☕",
    "Photographer | Traveller",
    "DM for collabs",
    "Be kind.",
    "📍 Jakarta",
    "📍 Lisbon",
    "📍 Berlin",
    "📍 São Paulo",
    "Dog mom 🐶",
    "Founder @ a small studio",
    "Books, films and long walks",
    "Runner 🏃 42.195",
    "Sharing what I make",
    "Opinions are my own",
    "New posts every Friday",
    "Plant parent 🌿",
    "Chasing sunsets",
    "",
    "",
]

CATEGORIES = [
    "Artist",
    "Photographer",
    "Personal blog",
    "Shopping & retail",
    "Health/beauty",
    "Musician/band",
    "Author",
    "Restaurant",
    "Coach",
    "Entrepreneur",
    "Digital creator",
    "Clothing (Brand)",
]

MESSAGES = [
    "hey! how are you?",
    "haha yes 😂",
    "did you see my story?",
    "thanks so much 🙏",
    "are we still on for saturday?",
    "omg that's amazing",
    "sent you the link",
    "❤️",
    "good morning ☀️",
    "let me know when you're free",
    "loved your last post!",
    "where was that photo taken?",
    "ok perfect",
    "can't wait!!",
    "see you there",
    "what's the price for shipping?",
    "congrats 🎉",
    "lol",
    "call me later?",
    "just landed ✈️",
]

#: post captions by ISO 639-1 language: each person writes mostly in one of them
CAPTIONS = {
    "en": [
        "Beautiful sunset at the beach with my best friends",
        "Sunday brunch with the family, the pancakes were amazing",
        "Finally finished this painting after three long weeks",
        "Morning run along the river before work, feeling great",
        "New recipe tonight: homemade pasta with fresh tomatoes",
        "Exploring the old town streets on a rainy afternoon",
    ],
    "pt": [
        "Que dia lindo na praia com a família toda reunida",
        "Domingo de sol e muita comida boa com os amigos",
        "Finalmente terminei esse quadro depois de semanas de trabalho",
        "Corrida de manhã cedo antes do trabalho, energia lá em cima",
        "Receita nova hoje: bolo de cenoura com cobertura de chocolate",
        "Passeando pelas ruas antigas da cidade num fim de tarde",
    ],
    "es": [
        "Hoy fue un día increíble con mis amigos en la playa",
        "Domingo de paella con toda la familia en casa de la abuela",
        "Por fin terminé este cuadro después de tres semanas",
        "Corriendo junto al río antes de ir a trabajar",
        "Nueva receta esta noche: tortilla de patatas como la de mi madre",
        "Paseando por el casco antiguo en una tarde de lluvia",
    ],
    "de": [
        "Ein wunderschöner Tag in den Bergen mit der ganzen Familie",
        "Sonntagsfrühstück mit frischen Brötchen und viel Kaffee",
        "Endlich ist dieses Bild nach drei langen Wochen fertig",
        "Morgens am Fluss joggen, bevor die Arbeit beginnt",
        "Heute Abend gibt es selbstgemachte Nudeln mit Tomatensoße",
        "Spaziergang durch die Altstadt an einem regnerischen Nachmittag",
    ],
    "fr": [
        "Une belle journée au bord de la mer avec les enfants",
        "Dimanche matin, croissants chauds et café en terrasse",
        "J'ai enfin terminé ce tableau après trois semaines de travail",
        "Petite course le long de la rivière avant d'aller au bureau",
        "Nouvelle recette ce soir : une tarte aux pommes maison",
        "Balade dans les vieilles rues de la ville sous la pluie",
    ],
    "ru": [
        "Сегодня был отличный день на море с друзьями",
        "Воскресный завтрак всей семьёй, блины получились прекрасные",
        "Наконец закончила эту картину после трёх недель работы",
        "Утренняя пробежка вдоль реки перед работой",
        "Новый рецепт на ужин: домашняя паста со свежими томатами",
        "Гуляем по старому городу в дождливый вечер",
    ],
    "ja": [
        "今日は友達と一緒に海に行きました、とても楽しかった",
        "日曜日の朝は家族みんなでパンケーキを食べました",
        "三週間かかってやっとこの絵が完成しました",
        "仕事の前に川沿いを走るのが最近の日課です",
        "今夜は新しいレシピで手作りパスタに挑戦しました",
        "雨の午後に古い町並みを散歩しました",
    ],
    "id": [
        "Hari ini seru banget main ke pantai bareng teman teman",
        "Sarapan hari Minggu bersama keluarga di rumah nenek",
        "Akhirnya lukisan ini selesai juga setelah tiga minggu",
        "Lari pagi di pinggir sungai sebelum berangkat kerja",
        "Resep baru malam ini: nasi goreng spesial buatan sendiri",
        "Jalan jalan sore di kota tua waktu hujan turun",
    ],
    "tr": [
        "Bugün arkadaşlarımla sahilde harika bir gün geçirdik",
        "Pazar kahvaltısı ailece, her şey çok lezzetliydi",
        "Üç hafta süren çalışmadan sonra bu tablo nihayet bitti",
        "İşe gitmeden önce nehir kenarında sabah koşusu",
        "Bu akşam yeni tarif: ev yapımı makarna ve taze domates",
        "Yağmurlu bir öğleden sonra eski şehirde yürüyüş",
    ],
}

#: short comments people leave under posts
COMMENTS = [
    "😍😍😍",
    "Amazing!",
    "Love this 🔥",
    "So beautiful",
    "Que lindo! ❤️",
    "Qué bonito",
    "Wunderschön",
    "Magnifique 👏",
    "Красиво!",
    "すごい！",
    "Keren banget",
    "Harika 👌",
    "Wow",
    "Need this in my life",
    "Where is this?",
    "Great shot",
    "👏👏",
    "Congrats!!",
    "Miss you",
    "Incrível!",
]
