"""Python confluent-kafka Protobuf serde against our registry, driven by test/e2e/protobuf.test.ts.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"op": "produce", "url", "topic", "value"} -> {"hex": "<framed bytes>"}
      ProtobufSerializer with auto-registration: it registers acme/common.proto under its own
      subject and acme/order.proto (importing it) under <topic>-value, both as base64 descriptors.
  {"op": "consume", "url", "topic", "hex"} -> {"value": {...}}
      ProtobufDeserializer, which fetches the writer schema (and its references) with
      format=serialized from the registry.
The two files are built here as descriptors, the way protoc-generated Python code carries them.
"""
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.json_format import MessageToDict, ParseDict

STRING, INT32, MESSAGE = 9, 5, 11
OPTIONAL, REPEATED = 1, 3


def field(msg, name, number, ftype, label=OPTIONAL, type_name=None, json_name=None):
    f = msg.field.add(name=name, number=number, type=ftype, label=label, json_name=json_name or name)
    if type_name:
        f.type_name = type_name
    return f


def build_pool():
    common = descriptor_pb2.FileDescriptorProto(name="acme/common.proto", package="acme.common", syntax="proto3")
    address = common.message_type.add(name="Address")
    field(address, "city", 1, STRING)
    field(address, "lines", 2, STRING, REPEATED)

    order_file = descriptor_pb2.FileDescriptorProto(name="acme/order.proto", package="acme", syntax="proto3")
    order_file.dependency.append("acme/common.proto")
    order = order_file.message_type.add(name="Order")
    field(order, "id", 1, STRING)
    field(order, "ship_to", 2, MESSAGE, type_name=".acme.common.Address", json_name="shipTo")
    field(order, "lines", 3, MESSAGE, REPEATED, ".acme.Order.Line")
    field(order, "counts", 4, MESSAGE, REPEATED, ".acme.Order.CountsEntry")
    line = order.nested_type.add(name="Line")
    field(line, "sku", 1, STRING)
    field(line, "qty", 2, INT32)
    entry = order.nested_type.add(name="CountsEntry")
    entry.options.map_entry = True
    field(entry, "key", 1, STRING)
    field(entry, "value", 2, INT32)

    pool = descriptor_pool.DescriptorPool()
    pool.Add(common)
    pool.Add(order_file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("acme.Order"))


def main():
    req = json.loads(sys.stdin.read())
    order_class = build_pool()
    client = SchemaRegistryClient({"url": req["url"]})
    ctx = SerializationContext(req["topic"], MessageField.VALUE)
    if req["op"] == "produce":
        serializer = ProtobufSerializer(order_class, client, {"use.deprecated.format": False})
        data = serializer(ParseDict(req["value"], order_class()), ctx)
        print(json.dumps({"hex": data.hex()}))
    else:
        deserializer = ProtobufDeserializer(order_class, {"use.deprecated.format": False}, client)
        msg = deserializer(bytes.fromhex(req["hex"]), ctx)
        print(json.dumps({"value": MessageToDict(msg, preserving_proto_field_name=True)}))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the test shows the message
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
