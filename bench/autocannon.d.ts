// The slice of autocannon's API the benches use.
declare module 'autocannon' {
  interface Result {
    requests: { average: number; total: number }
    latency: { p50: number; p99: number }
    non2xx: number
    errors: number
  }
  interface Request {
    method?: string
    path?: string
    body?: string
    headers?: Record<string, string>
    setupRequest?: (req: Request) => Request
  }
  function autocannon(options: {
    url: string
    connections: number
    duration?: number
    amount?: number
    pipelining: number
    overallRate?: number
    requests?: Request[]
  }): Promise<Result>
  export default autocannon
}
