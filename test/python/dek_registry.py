"""Python confluent-kafka's DekRegistryClient against a registry, driven by
test/e2e/dek-registry-python.test.ts. Takes the registry URL, runs the calls a serializer with
ENCRYPT rules makes (register and get a KEK, register DEK versions, get one and the latest) and
the refusals it must understand, and prints what it saw as one JSON object.
"""
import base64
import json
import sys

from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.rules.encryption.dek_registry.dek_registry_client import (
    DekAlgorithm,
    DekRegistryClient,
)


def error_of(call):
    try:
        call()
        return None
    except SchemaRegistryError as e:
        return {"status": e.http_status_code, "code": e.error_code}


def main(url):
    client = DekRegistryClient({"url": url})
    material = base64.b64encode(b"wrapped-by-python").decode()
    kek = client.register_kek("py_kek", "aws-kms", "arn:aws:kms:eu:1:key/py", kms_props={"region": "eu"}, doc="py")
    v1 = client.register_dek("py_kek", "py-value", material)
    v2 = client.register_dek("py_kek", "py-value", material, DekAlgorithm.AES256_GCM, 2)
    fresh = DekRegistryClient({"url": url})
    got_kek = fresh.get_kek("py_kek")
    got_v1 = fresh.get_dek("py_kek", "py-value", version=1)
    latest = fresh.get_dek("py_kek", "py-value", version=-1)
    out = {
        "kek": kek.to_dict(),
        "got_kek": got_kek.to_dict(),
        "v1": v1.to_dict(),
        "v2": v2.to_dict(),
        "got_v1": got_v1.to_dict(),
        "latest": latest.to_dict(),
        "v1_bytes": got_v1.get_encrypted_key_material_bytes().decode(),
        "unknown_kek": error_of(lambda: DekRegistryClient({"url": url}).get_kek("no_such_kek")),
        "unknown_dek": error_of(lambda: DekRegistryClient({"url": url}).get_dek("py_kek", "nobody", version=1)),
        "conflict": error_of(
            lambda: DekRegistryClient({"url": url}).register_dek(
                "py_kek", "py-value", base64.b64encode(b"other").decode()
            )
        ),
        "shared": error_of(lambda: DekRegistryClient({"url": url}).register_kek("py_shared", "aws-kms", "k", True)),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
