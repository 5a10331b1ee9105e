// The slice of autocannon's API the benches use.
declare module 'autocannon' {
  interface Result {
    requests: { average: number }
    latency: { p99: number }
    non2xx: number
    errors: number
  }
  function autocannon(options: { url: string; connections: number; duration: number; pipelining: number }): Promise<Result>
  export default autocannon
}
