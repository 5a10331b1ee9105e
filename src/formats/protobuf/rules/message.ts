import type { DiffContext } from './walk.js'

/**
 * MESSAGE_ADDED, MESSAGE_REMOVED, and MESSAGE_MOVED when a message's position among its
 * sibling messages changed (harmless: message indexes refer to the writer's own file).
 */
export function messagePresence(
  ctx: DiffContext,
  change: 'added' | 'removed' | { originalIndex: number; updateIndex: number },
): void {
  if (change === 'added') ctx.add('MESSAGE_ADDED')
  else if (change === 'removed') ctx.add('MESSAGE_REMOVED')
  else if (change.originalIndex !== change.updateIndex) ctx.add('MESSAGE_MOVED')
}
