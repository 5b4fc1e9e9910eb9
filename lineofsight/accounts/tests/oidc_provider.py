"""A real OpenID Connect provider on loopback, for the tests of signing in with the council's
account: pyop (a maintained provider library built on pyoidc) behind a WSGI server on
https://127.0.0.1:<free port>, with a self-signed certificate the client is told to trust.

It serves Microsoft Entra ID's layout for one tenant (`/<tenant>/oauth2/v2.0/authorize`,
`.../token`, `/<tenant>/discovery/v2.0/keys`, `.../logout`), issues authorisation codes, checks
the PKCE verifier and the client secret at the token endpoint, and signs id tokens with RS256
under a key it publishes as a JWKS, adding Entra ID's `tid` claim. Like Entra ID's
`organizations` endpoint it answers whatever tenant the path names, and its tokens say which
tenant it really is, so a test can point the client at another council's directory.

The person "signed in at the provider" is whoever the test says (`sign_in_as`): the provider's
own login and consent pages are not the subject of these tests, so it consents at once.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import tempfile
import threading
from pathlib import Path
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from Cryptodome.PublicKey import RSA
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from jwkest.jwk import RSAKey
from oic.oic.message import EndSessionRequest
from pyop.authz_state import AuthorizationState
from pyop.exceptions import OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "provider.pem", folder / "provider.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class LoopbackProvider:
    """Start with `start()`, stop with `stop()`; `base_url` is the authority to configure."""

    def __init__(self, *, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = redirect_uris
        self._folder = tempfile.TemporaryDirectory(prefix="loopback-provider-")
        self.ca_file, self._key_file = _self_signed_certificate(Path(self._folder.name))
        self._signing_key = RSAKey(
            key=RSA.generate(2048), alg="RS256", use="sig", kid="loopback-signing-key"
        )
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.reset(tenant_id="")

    # --- what a test sets --------------------------------------------------------------------

    def reset(self, *, tenant_id: str) -> None:
        """A fresh provider for the directory of `tenant_id`: nobody in it, nobody signed in."""
        self.tenant_id = tenant_id
        self.people: dict[str, dict] = {}
        self.signed_in: str | None = None
        self.authorization_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.end_session_requests: list[dict] = []
        if self.base_url:
            self._provider = self._make_provider()

    def add_person(self, user_id: str, *, email: str, name: str, tid: str | None = None) -> None:
        """Someone in the directory; `tid` other than the provider's own is a guest's token
        claiming another tenant."""
        self.people[user_id] = {
            "email": email,
            "name": name,
            "preferred_username": email,
            "tid": tid or self.tenant_id,
        }

    def sign_in_as(self, user_id: str) -> None:
        self.signed_in = user_id

    # --- the server ----------------------------------------------------------------------------

    def start(self) -> LoopbackProvider:
        server = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, self._key_file)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self.base_url = f"https://127.0.0.1:{server.server_port}"
        self._provider = self._make_provider()
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._folder.cleanup()

    def _make_provider(self) -> Provider:
        tenant_base = f"{self.base_url}/{self.tenant_id}"
        configuration = {
            "issuer": f"{tenant_base}/v2.0",
            "authorization_endpoint": f"{tenant_base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{tenant_base}/oauth2/v2.0/token",
            "jwks_uri": f"{tenant_base}/discovery/v2.0/keys",
            "end_session_endpoint": f"{tenant_base}/oauth2/v2.0/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
        clients = {
            self.client_id: {
                "client_secret": self.client_secret,
                "redirect_uris": self.redirect_uris,
                "post_logout_redirect_uris": self.redirect_uris,
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_post",
            }
        }
        state = AuthorizationState(HashBasedSubjectIdentifierFactory("loopback salt"))
        return Provider(self._signing_key, configuration, state, clients, Userinfo(self.people))

    def _id_token_claims(self, user_id: str, client_id: str) -> dict:
        person = self.people[user_id]
        return {key: person[key] for key in ("email", "name", "preferred_username", "tid")}

    # --- the WSGI application ---------------------------------------------------------------------

    def _app(self, environ, start_response):
        # /<any tenant>/<endpoint>: the tenant in the path is not the tenant in the tokens.
        _, _, endpoint = environ.get("PATH_INFO", "").lstrip("/").partition("/")
        handler = {
            "v2.0/.well-known/openid-configuration": self._discovery,
            "oauth2/v2.0/authorize": self._authorize,
            "oauth2/v2.0/token": self._token,
            "discovery/v2.0/keys": self._keys,
            "oauth2/v2.0/logout": self._logout,
        }.get(endpoint)
        if handler is None:
            return _respond(start_response, "404 Not Found", {"error": "not_found"})
        try:
            return handler(environ, start_response)
        except OAuthError as exc:
            return _respond(
                start_response, "400 Bad Request", {"error": exc.oauth_error, "detail": str(exc)}
            )

    def _discovery(self, environ, start_response):
        return _respond(start_response, "200 OK", self._provider.provider_configuration.to_dict())

    def _keys(self, environ, start_response):
        return _respond(start_response, "200 OK", self._provider.jwks)

    def _authorize(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        self.authorization_requests.append(dict(parse_qsl(query)))
        request = self._provider.parse_authentication_request(query)
        if self.signed_in is None:
            return _respond(start_response, "403 Forbidden", {"error": "login_required"})
        response = self._provider.authorize(request, self.signed_in)
        start_response("302 Found", [("Location", response.request(request["redirect_uri"]))])
        return [b""]

    def _token(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8")
        self.token_requests.append(dict(parse_qsl(body)))
        headers = (
            {"Authorization": environ["HTTP_AUTHORIZATION"]}
            if "HTTP_AUTHORIZATION" in environ
            else {}
        )
        response = self._provider.handle_token_request(
            body, headers, extra_id_token_claims=self._id_token_claims
        )
        return _respond(start_response, "200 OK", response.to_dict())

    def _logout(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        self.end_session_requests.append(dict(parse_qsl(query)))
        request = EndSessionRequest().deserialize(query)
        # The browser's session at the provider ends, whatever the client asked.
        self.signed_in = None
        target = self._provider.do_post_logout_redirect(request)
        if target:
            start_response("302 Found", [("Location", target)])
            return [b""]
        return _respond(start_response, "200 OK", {"signed_out": True})


def _respond(start_response, status: str, body: dict):
    data = json.dumps(body).encode("utf-8")
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
