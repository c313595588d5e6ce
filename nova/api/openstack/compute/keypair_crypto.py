"""Key pair material: generate SSH keys, check imported keys, fingerprints."""

import base64
import hashlib

from cryptography import exceptions as crypto_exc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from nova import exception


class InvalidKeypair(exception.Invalid):
    msg_fmt = 'Keypair data is invalid: %(reason)s'


def _colon_hex(digest):
    return ':'.join(f'{b:02x}' for b in digest)


def ssh_fingerprint(public_key):
    """MD5 of the key blob as colon-separated hex (what ssh-keygen -E md5
    shows); raises InvalidKeypair for anything that is not an SSH key."""
    try:
        serialization.load_ssh_public_key(public_key.encode('utf-8'))
        blob = base64.b64decode(public_key.split()[1])
    except (ValueError, IndexError, TypeError,
            crypto_exc.UnsupportedAlgorithm) as exc:
        raise InvalidKeypair(
            reason=f'failed to parse the SSH public key ({exc})')
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).digest())


def x509_fingerprint(certificate):
    try:
        cert = x509.load_pem_x509_certificate(certificate.encode('utf-8'))
    except ValueError as exc:
        raise InvalidKeypair(
            reason=f'failed to parse the x509 certificate ({exc})')
    return _colon_hex(cert.fingerprint(hashes.SHA1()))


def generate_ssh_key(comment):
    """(private_key PEM, public_key OpenSSH line, fingerprint)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption()).decode('utf-8')
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode('utf-8')
    public = f'{public} {comment}'
    return private, public, ssh_fingerprint(public)
