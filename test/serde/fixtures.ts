/** Schemas several serde tests share. */

/** Two top-level messages and a nested one: message indexes [0], [1] and [1, 0]. */
export const ORDERS_PROTO = `syntax = "proto3";
package acme;

message Todo {
  int32 id = 1;
  string content = 2;
}

message Order {
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  int32 id = 1;
  repeated Line lines = 2;
}
`
