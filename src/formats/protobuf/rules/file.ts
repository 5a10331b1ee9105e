import type { ProtoFile } from '../model.js'
import type { DiffContext } from './walk.js'

/** PACKAGE_CHANGED: every full name moves with the package. Reported at `#/`. */
export function checkPackage(ctx: DiffContext, original: ProtoFile, update: ProtoFile): void {
  if (original.packageName !== update.packageName) ctx.add('PACKAGE_CHANGED')
}
