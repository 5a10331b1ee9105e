"""Python confluent-kafka serializers and deserializers, driven by test/serde/python-interop.test.ts.

Reads one JSON request per line on stdin and answers one JSON line on stdout:
  {"op": "serialize", "format": "avro"|"json"|"protobuf", "url", "topic", "value", ...}
      -> {"hex": "<framed bytes>"}
  {"op": "deserialize", "format": ..., "url", "topic", "hex", ...} -> {"value": ...}
Errors come back as {"error": "..."}. Serializers write with the subject's latest version
(no auto-registration), so the schema under test is the one our serde registered.
Protobuf requests carry a "proto" description ({"package", "name", "messages": [...]}) from which
a message class is built at run time, and "message", the full name of the message to use; field
types ".google.protobuf.*" use the well-known types. Values go through json_format (Timestamp as
RFC 3339, 64-bit integers as strings). Avro requests may carry "logical": {field: logical type}
to turn JSON values into Python's: decimal strings into Decimal, ISO strings into datetime/date,
UUID strings into UUID. Deserialized values that JSON cannot hold are written with str().
Requests with "encrypt": {"secret": ...} run the schema's ENCRYPT / ENCRYPT_PAYLOAD rules with the
local KMS (confluent-kafka[rules]); bytes fields of such Avro values travel as base64 strings,
named in "base64_fields".
"""
import base64
import datetime
import decimal
import json
import uuid
import sys
import traceback

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext

SCALARS = {
    "double": 1, "float": 2, "int64": 3, "uint64": 4, "int32": 5, "fixed64": 6, "fixed32": 7,
    "bool": 8, "string": 9, "bytes": 12, "uint32": 13, "sfixed32": 15, "sfixed64": 16,
    "sint32": 17, "sint64": 18,
}


def message_classes(proto):
    """Builds message classes from {"package", "name", "messages": [{"name", "fields", "nested"}]}."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    from google.protobuf import duration_pb2, struct_pb2, timestamp_pb2, wrappers_pb2

    fd = descriptor_pb2.FileDescriptorProto(name=proto["name"], package=proto["package"], syntax="proto3")
    pool = descriptor_pool.DescriptorPool()
    wkts = {"Timestamp": timestamp_pb2, "Duration": duration_pb2, "Struct": struct_pb2, "Value": struct_pb2, "ListValue": struct_pb2}
    used = json.dumps(proto)
    for wkt in (timestamp_pb2, duration_pb2, wrappers_pb2, struct_pb2):
        pool.AddSerializedFile(wkt.DESCRIPTOR.serialized_pb)
        names = [n for n, m in wkts.items() if m is wkt] if wkt is not wrappers_pb2 else ["Int64Value", "StringValue", "BoolValue", "DoubleValue", "Int32Value", "UInt32Value", "UInt64Value", "FloatValue", "BytesValue"]
        if any(f'".google.protobuf.{n}"' in used for n in names):
            fd.dependency.append(wkt.DESCRIPTOR.name)

    def fill(dp, spec):
        dp.name = spec["name"]
        for f in spec.get("fields", []):
            field = dp.field.add(name=f["name"], number=f["number"], json_name=f["name"])
            field.label = 3 if f.get("repeated") else 1
            if f["type"] in SCALARS:
                field.type = SCALARS[f["type"]]
            else:
                field.type = 11
                field.type_name = f["type"]
        for n in spec.get("nested", []):
            fill(dp.nested_type.add(), n)

    for m in proto["messages"]:
        fill(fd.message_type.add(), m)
    pool.Add(fd)
    return lambda full_name: message_factory.GetMessageClass(pool.FindMessageTypeByName(full_name))


def python_value(value, logical):
    """JSON values of an Avro record turned into the Python types fastavro writes for logical types."""
    out = dict(value)
    for field, kind in (logical or {}).items():
        v = out[field]
        if kind == "decimal":
            out[field] = decimal.Decimal(v)
        elif kind.startswith("timestamp"):
            out[field] = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        elif kind == "date":
            out[field] = datetime.date.fromisoformat(v)
        elif kind == "uuid":
            out[field] = uuid.UUID(v)
    return out


def rule_options(req):
    """rule_conf and a rule registry with the encryption executors, for requests that encrypt."""
    enc = req.get("encrypt")
    if not enc:
        return {}
    from confluent_kafka.schema_registry.rule_registry import RuleRegistry
    from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import (
        EncryptionExecutor,
        FieldEncryptionExecutor,
    )
    from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver

    LocalKmsDriver.register()
    registry = RuleRegistry()
    registry.register_executor(FieldEncryptionExecutor())
    registry.register_executor(EncryptionExecutor())
    return {"rule_conf": {"secret": enc["secret"]}, "rule_registry": registry}


def with_bytes(value, fields, decode):
    out = dict(value)
    for f in fields or []:
        if out.get(f) is not None:
            out[f] = base64.b64decode(out[f]) if decode else base64.b64encode(out[f]).decode()
    return out


def handle(req):
    client = SchemaRegistryClient({"url": req["url"]})
    rules = rule_options(req)
    field = MessageField.KEY if req.get("key") else MessageField.VALUE
    ctx = SerializationContext(req["topic"], field)
    fmt = req["format"]
    conf = req.get("conf") or {"auto.register.schemas": False, "use.latest.version": True}
    if req["op"] == "serialize":
        if fmt == "avro":
            from confluent_kafka.schema_registry.avro import AvroSerializer
            ser = AvroSerializer(client, None, conf=conf, **rules)
            value = with_bytes(python_value(req["value"], req.get("logical")), req.get("base64_fields"), True)
            data = ser(value, ctx)
        elif fmt == "json":
            from confluent_kafka.schema_registry.json_schema import JSONSerializer
            ser = JSONSerializer(req["schema"], client, conf=conf, **rules)
            data = ser(req["value"], ctx)
        else:
            from google.protobuf import json_format
            cls = message_classes(req["proto"])(req["message"])
            msg = json_format.ParseDict(req["value"], cls())
            from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
            ser = ProtobufSerializer(cls, client, conf=conf)
            data = ser(msg, ctx)
        return {"hex": data.hex()}
    data = bytes.fromhex(req["hex"])
    if fmt == "avro":
        from confluent_kafka.schema_registry.avro import AvroDeserializer
        value = AvroDeserializer(client, **rules)(data, ctx)
        return {"value": with_bytes(value, req.get("base64_fields"), False) if req.get("base64_fields") else value}
    if fmt == "json":
        from confluent_kafka.schema_registry.json_schema import JSONDeserializer
        return {"value": JSONDeserializer(None, schema_registry_client=client, **rules)(data, ctx)}
    from google.protobuf import json_format
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
    cls = message_classes(req["proto"])(req["message"])
    msg = ProtobufDeserializer(cls, {"use.deprecated.format": False}, client)(data, ctx)
    return {"value": json_format.MessageToDict(msg, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = handle(json.loads(line))
        except Exception as e:  # reported to the test, which shows it
            where = traceback.extract_tb(e.__traceback__)[-1]
            out = {"error": f"{type(e).__name__}: {e} (at {where.filename}:{where.lineno} {where.name})"}
        sys.stdout.write(json.dumps(out, default=lambda o: base64.b64encode(o).decode() if isinstance(o, (bytes, bytearray)) else str(o)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
