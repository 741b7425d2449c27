"""The sandbox's web login: Instagram's login form, two-factor page and checkpoint challenge.

The pages use the real form's field names (`username`, `password`, `verificationCode`, `choice`,
`security_code`) and post where the web app posts (`/accounts/login/ajax/`, its `two_factor/`
sibling, the challenge URL), form-encoded with `enc_password = #PWD_INSTAGRAM_BROWSER:0:<time>:<pw>`
and the `X-CSRFToken` header. The JSON answers have the captured shapes (fixtures
`login_ajax_success`, `error_login_ajax_bad_password`, `error_checkpoint_required`,
`challenge_send_code_email`, `challenge_submit_ok`, `error_challenge_verify_code`). A successful login
sets the account's session cookies, so the API then answers for it.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .faults import checkpoint_body
from .network import SandboxNetwork
from .relations import ManagedAccount

LOGIN_PATH = "/accounts/login/"
LOGIN_AJAX = "/accounts/login/ajax/"
TWO_FACTOR_PAGE = "/accounts/login/two_factor/"
TWO_FACTOR_AJAX = "/accounts/login/ajax/two_factor/"
_CHALLENGE = re.compile(r"^/challenge/(\d+)/([0-9a-zA-Z_-]+)/?$")
_ENC_PASSWORD = re.compile(r"^#PWD_INSTAGRAM_BROWSER:0:\d+:(.*)$", re.DOTALL)
HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
BAD_PASSWORD_TEXT = "Sorry, your password was incorrect. Please double-check your password."
BAD_CODE_TEXT = "Please check the code we sent you and try again."


@dataclass
class WebReply:
    status: int
    body: bytes
    content_type: str = HTML_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)


def is_web_route(path: str) -> bool:
    return path in ("/", LOGIN_PATH, LOGIN_AJAX, TWO_FACTOR_PAGE, TWO_FACTOR_AJAX) or bool(
        _CHALLENGE.match(path)
    )


def web_route(
    network: SandboxNetwork,
    method: str,
    path: str,
    query: dict[str, str],
    body: bytes,
    cookies: dict[str, str],
    headers: Any,
) -> WebReply:
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)) if body else {}
    if method == "POST" and (
        not cookies.get("csrftoken") or headers.get("X-CSRFToken") != cookies.get("csrftoken")
    ):
        return _json(403, {"message": "CSRF token missing or incorrect", "status": "fail"})
    if path == "/":
        viewer = network.account_for_session(cookies.get("sessionid", ""))
        who = html.escape(viewer.name) if viewer else "nobody"
        return WebReply(
            200, _page("Instagram", f'<main id="home" data-viewer="{who}">Logged in as {who}</main>')
        )
    if path == LOGIN_PATH and method == "GET":
        return WebReply(200, _page("Login • Instagram", _LOGIN_FORM), headers=[_csrf_cookie(cookies)])
    if path == LOGIN_AJAX and method == "POST":
        return _login(network, form)
    if path == TWO_FACTOR_PAGE and method == "GET":
        return WebReply(200, _page("Two-factor • Instagram", _TWO_FACTOR_FORM))
    if path == TWO_FACTOR_AJAX and method == "POST":
        return _two_factor(network, form)
    if match := _CHALLENGE.match(path):
        return _challenge(network, method, int(match.group(1)), match.group(2), form)
    return _json(405, {"message": "Method Not Allowed", "status": "fail"})


def _login(network: SandboxNetwork, form: dict[str, str]) -> WebReply:
    account = _managed(network, form.get("username", ""))
    if account is None:
        return _json(200, {"user": False, "authenticated": False, "status": "ok"})
    match = _ENC_PASSWORD.match(form.get("enc_password", ""))
    if match is None or not secrets.compare_digest(match.group(1), network.password(account)):
        return _json(200, {"authenticated": False, "user": True, "status": "ok"})
    if account.index in network.checkpoints:
        return _json(400, checkpoint_body(account.pk, network.checkpoints[account.index]))
    if account.spec.two_factor:
        network.send_code(account, "sms")
        identifier = f"{account.pk:x}{secrets.token_hex(4)}"
        return _json(
            400,
            {
                "message": "",
                "two_factor_required": True,
                "two_factor_info": {
                    "username": account.name,
                    "two_factor_identifier": identifier,
                    "obfuscated_phone_number": "**77",
                    "sms_two_factor_on": True,
                },
                "status": "fail",
                "error_type": "two_factor_required",
            },
        )
    return _authenticated(network, account)


def _authenticated(network: SandboxNetwork, account: ManagedAccount) -> WebReply:
    """The login answer that ends the flow: a session for `account`."""
    return _logged_in(
        network,
        account,
        {
            "authenticated": True,
            "user": True,
            "userId": str(account.pk),
            "oneTapPrompt": False,
            "status": "ok",
        },
    )


def _two_factor(network: SandboxNetwork, form: dict[str, str]) -> WebReply:
    account = _managed(network, form.get("username", ""))
    code = network.last_code(account, "sms") if account else None
    if account is None or code is None or not secrets.compare_digest(form.get("verificationCode", ""), code):
        return _json(
            400,
            {
                "message": "Please check the security code and try again.",
                "status": "fail",
                "error_type": "invalid_verification_code",
            },
        )
    return _authenticated(network, account)


def _challenge(network: SandboxNetwork, method: str, pk: int, nonce: str, form: dict[str, str]) -> WebReply:
    account = network.managed_by_pk(pk)
    if account is None or network.checkpoints.get(account.index) != nonce:
        return _json(404, {"message": "Sorry, this page isn't available.", "status": "fail"})
    if method == "GET":
        return WebReply(200, _page("Security check • Instagram", _CHALLENGE_FORM))
    if "choice" in form:  # send the code (1 = e-mail, the only method offered)
        if form["choice"] != "1":
            return _json(
                400,
                {
                    "status": "fail",
                    "message": "",
                    "challenge": {
                        "challengeType": "SelectVerificationMethodForm",
                        "errors": [
                            f"Select a valid choice. {form['choice'][:8]} is not one of the "
                            "available choices."
                        ],
                    },
                },
            )
        network.send_code(account, "email")
        where = f"/{pk}/{nonce}/"
        contact = f"{account.name[0]}*****@e****.com"
        return _json(
            200,
            {  # challenge_send_code_email__instagramkit.json, trimmed of its page layout
                "challengeType": "VerifyEmailCodeForm",
                "errors": [],
                "experiments": {},
                "extraData": {
                    "__typename": "GraphChallengePage",
                    "content": [
                        {
                            "__typename": "GraphChallengePageHeader",
                            "description": None,
                            "title": "Enter Your Security Code",
                        },
                        {
                            "__typename": "GraphChallengePageText",
                            "alignment": "center",
                            "html": None,
                            "text": f"Enter the 6-digit code we sent to the email address {contact}.",
                        },
                    ],
                },
                "fields": {
                    "security_code": "None",
                    "resend_delay": 60,
                    "contact_point": contact,
                    "form_type": "email",
                },
                "navigation": {
                    "forward": f"/challenge{where}",
                    "replay": f"/challenge/replay{where}",
                    "back": f"/challenge/reset{where}",
                },
                "privacyPolicyUrl": "/about/legal/privacy/",
                "type": "CHALLENGE",
                "status": "ok",
            },
        )
    code = network.last_code(account, "email")
    if code is None or not secrets.compare_digest(form.get("security_code", ""), code):
        return _json(
            400,
            {
                "status": "fail",
                "message": "",
                "challenge": {"challengeType": "VerifyEmailCodeForm", "errors": [BAD_CODE_TEXT]},
            },
        )
    with network.lock:
        network.checkpoints.pop(account.index, None)
    return _logged_in(
        network,
        account,
        {"location": "https://www.instagram.com/", "type": "CHALLENGE_REDIRECTION", "status": "ok"},
    )


def _logged_in(network: SandboxNetwork, account: ManagedAccount, body: dict[str, Any]) -> WebReply:
    reply = _json(200, body)
    for name, value in network.session_cookies(account.name).items():
        flags = "; HttpOnly" if name in ("sessionid", "ds_user_id") else ""
        reply.headers.append(("Set-Cookie", f"{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax{flags}"))
    return reply


def _managed(network: SandboxNetwork, username: str) -> ManagedAccount | None:
    try:
        return network.account(username.strip().lower())
    except Exception:
        return None


def _csrf_cookie(cookies: dict[str, str]) -> tuple[str, str]:
    token = cookies.get("csrftoken") or secrets.token_urlsafe(24)
    return "Set-Cookie", f"csrftoken={token}; Path=/; Max-Age=31449600; SameSite=Lax"


def _json(status: int, body: dict[str, Any]) -> WebReply:
    return WebReply(status, json.dumps(body).encode(), JSON_TYPE)


def _page(title: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body>{body}<script>{_SCRIPT}</script></body></html>"
    ).encode()


# The web app's behaviour, reduced to what a login needs: post the form, follow the answer.
_SCRIPT = r"""
const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || "";
const alertBox = () => document.getElementById("slfErrorAlert");
async function post(url, fields) {
  const r = await fetch(url, {method: "POST", credentials: "same-origin",
    headers: {"X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded",
              "X-Requested-With": "XMLHttpRequest"}, body: new URLSearchParams(fields)});
  return r.json();
}
function fail(text) { const a = alertBox(); a.textContent = text; a.hidden = false; }
const login = document.getElementById("loginForm");
if (login) login.addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(login);
  const enc = `#PWD_INSTAGRAM_BROWSER:0:${Math.floor(Date.now() / 1000)}:${f.get("password")}`;
  const d = await post("/accounts/login/ajax/", {username: f.get("username"), enc_password: enc,
    queryParams: "{}", optIntoOneTap: "false"});
  if (d.authenticated) location.href = "/";
  else if (d.two_factor_required) location.href = "/accounts/login/two_factor/?" + new URLSearchParams(
    {username: d.two_factor_info.username, identifier: d.two_factor_info.two_factor_identifier});
  else if (d.checkpoint_url) location.href = d.checkpoint_url;
  else if (d.user === false) fail("The username you entered doesn't belong to an account. "
    + "Please check your username and try again.");
  else if (d.authenticated === false) fail("%BAD_PASSWORD%");
  else fail((d.errors && d.errors.error && d.errors.error[0]) || d.message
    || "Sorry, there was a problem with your request.");
});
const tf = document.getElementById("twoFactorForm");
if (tf) tf.addEventListener("submit", async (e) => {
  e.preventDefault();
  const q = new URLSearchParams(location.search);
  const d = await post("/accounts/login/ajax/two_factor/", {username: q.get("username"),
    identifier: q.get("identifier"), verificationCode: new FormData(tf).get("verificationCode")});
  if (d.authenticated) location.href = "/"; else fail(d.message);
});
const choose = document.getElementById("choiceForm");
if (choose) choose.addEventListener("submit", async (e) => {
  e.preventDefault();
  const d = await post(location.pathname, {choice: new FormData(choose).get("choice")});
  if (d.status === "ok") {
    choose.hidden = true; document.getElementById("codeForm").hidden = false; alertBox().hidden = true;
  }
  else fail(d.challenge.errors[0]);
});
const codeForm = document.getElementById("codeForm");
if (codeForm) codeForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const d = await post(location.pathname,
    {security_code: new FormData(codeForm).get("security_code")});
  if (d.status === "ok") location.href = "/"; else fail(d.challenge.errors[0]);
});
""".replace("%BAD_PASSWORD%", BAD_PASSWORD_TEXT)

_ALERT = '<p id="slfErrorAlert" role="alert" hidden></p>'
_LOGIN_FORM = (
    '<form id="loginForm" method="post">'
    '<input name="username" aria-label="Phone number, username, or email" autocomplete="username">'
    '<input name="password" type="password" aria-label="Password" autocomplete="current-password">'
    f'<button type="submit">Log in</button></form>{_ALERT}'
)
_TWO_FACTOR_FORM = (
    '<form id="twoFactorForm" method="post">'
    "<p>Enter the 6-digit code we sent to your number ending in 77.</p>"
    '<input name="verificationCode" aria-label="Security Code" inputmode="numeric">'
    f'<button type="submit">Confirm</button></form>{_ALERT}'
)
_CHALLENGE_FORM = (
    "<h2>We Detected An Unusual Login Attempt</h2>"
    '<form id="choiceForm" method="post">'
    '<label><input type="radio" name="choice" value="1" checked> Email</label>'
    '<button type="submit">Send Security Code</button></form>'
    '<form id="codeForm" method="post" hidden><p>Enter the 6-digit code we sent to your email.</p>'
    '<input name="security_code" aria-label="Security code" inputmode="numeric">'
    f'<button type="submit">Submit</button></form>{_ALERT}'
)
