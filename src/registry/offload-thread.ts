// A parse thread (see offload.ts): parses, canonicalizes and checks compatibility with the same
// code the event loop would run, and answers with plain data.
import { parentPort, workerData } from 'node:worker_threads'
import { checkLevel, LazyPriorVersion, TimeBudget } from '../compat/levels.js'
import { type ParsedSchema, UndecidedError } from '../formats/format.js'
import { formatFor } from '../formats/index.js'
import { RegistryState } from '../store/state.js'
import { RegistryCore, type RegistryOptions } from './core.js'
import { lowerThreadPriority } from '../threads.js'
import { LruMap } from './lru.js'
import type { JudgeAnswer, JudgeJob, OffloadJob, OffloadReply, PriorSource } from './offload.js'
import { canonicalForms, parseSource } from './prepare.js'

const { options } = workerData as { options: RegistryOptions }
// Parsing needs no stored state: references arrive resolved.
const core = new RegistryCore({ store: new RegistryState(), formatFor, now: Date.now, options })
const priors = new LruMap<string, ParsedSchema>(1000)
const port = parentPort!
// Requests the event loop can answer at once go first when CPUs are scarce.
lowerThreadPriority()

function parsedPrior(p: PriorSource): ParsedSchema {
  let parsed = priors.get(p.key)
  if (!parsed) {
    parsed = core.parseStoredText(p.type, p.text, p.refs, p.metadata)
    priors.set(p.key, parsed)
  }
  return parsed
}

function judge(job: JudgeJob): JudgeAnswer {
  const budget = job.budgetMs > 0 ? new TimeBudget(job.budgetMs) : undefined
  try {
    const candidate = parseSource(core, job.candidate)
    const previous = job.priors.map(
      (p) =>
        new LazyPriorVersion(p.version, p.text, () => {
          budget?.check()
          return parsedPrior(p)
        }),
    )
    const result = checkLevel(core.format(job.candidate.type), job.level, candidate, previous, job.options, budget)
    return {
      result: {
        compatible: result.compatible,
        violations: result.violations,
        ...(result.failedVersion ? { failedVersion: result.failedVersion.version } : {}),
      },
    }
  } catch (e) {
    if (e instanceof UndecidedError) return { undecided: e.message }
    return { failed: (e as Error)?.message ?? String(e) }
  }
}

function answer({ seq, job }: { seq: number; job: OffloadJob }): OffloadReply {
  if (job.kind === 'judge') return { seq, ...judge(job) }
  return { seq, canonical: canonicalForms(core, job.sources) }
}

port.on('message', (batch: { seq: number; job: OffloadJob }[]) => {
  port.postMessage(batch.map(answer))
})
