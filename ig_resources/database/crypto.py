"""Encryption at rest for session cookies (Fernet under IG_SECRET_KEY)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SecretKeyError(ValueError):
    """IG_SECRET_KEY is missing, malformed, or not the key the data was encrypted with."""


class CookieCipher:
    def __init__(self, key: str | None) -> None:
        if not key:
            raise SecretKeyError(
                "IG_SECRET_KEY is not set (make one with: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            )
        try:
            self._fernet = Fernet(key.strip().encode())
        except (ValueError, TypeError):
            raise SecretKeyError(
                "IG_SECRET_KEY is not a valid Fernet key (32 url-safe base64 bytes)"
            ) from None

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str, *, what: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                f"IG_SECRET_KEY cannot decrypt {what}: it is not the key they were stored with"
            ) from None


def generate_key() -> str:
    return Fernet.generate_key().decode()
