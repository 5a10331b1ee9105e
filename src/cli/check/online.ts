import { InfrastructureError } from '../errors.js'
import { enc, RegistryHttpError, type RestClient } from '../rest.js'
import type { Candidate, CompatEngine, Verdict } from './outcome.js'

/** Wire body of register, lookup and compatibility requests for a candidate. */
export function requestBody(c: Pick<Candidate, 'schema' | 'type' | 'references'>): Record<string, unknown> {
  return {
    schema: c.schema,
    schemaType: c.type,
    ...(c.references.length > 0
      ? { references: c.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version ?? -1 })) }
      : {}),
  }
}

/**
 * Checks against a live registry with `POST /compatibility/subjects/{s}/versions?verbose=true`,
 * so each subject is judged under the level the registry has for it.
 */
export class OnlineEngine implements CompatEngine {
  constructor(readonly rest: RestClient) {}

  async check(candidate: Candidate): Promise<Verdict> {
    const s = enc(candidate.subject)
    let answer: { is_compatible: boolean; messages?: string[] }
    try {
      answer = await this.rest.post(`/compatibility/subjects/${s}/versions?verbose=true`, requestBody(candidate))
    } catch (e) {
      // Servers that do not fold parse errors into a verbose answer send 42201 instead.
      if (e instanceof RegistryHttpError && e.status === 422) return { compatible: false, messages: [e.message] }
      if (e instanceof RegistryHttpError) throw new InfrastructureError(e.message)
      throw e
    }
    const config = await this.rest
      .getOptional<{ compatibilityLevel?: string }>(`/config/${s}?defaultToGlobal=true`, [40401, 40408])
      .catch(() => undefined)
    const versions = await this.rest.getOptional<number[]>(`/subjects/${s}/versions`, [40401]).catch(() => undefined)
    return {
      compatible: answer.is_compatible,
      messages: answer.messages ?? [],
      ...(config?.compatibilityLevel ? { level: config.compatibilityLevel } : {}),
      ...(versions ? { previousVersions: versions.length } : { previousVersions: 0 }),
    }
  }
}
