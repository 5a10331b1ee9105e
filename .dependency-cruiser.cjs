/**
 * The layering of src/, checked by `npm run check:layers` (dependency-cruiser).
 *
 *   http → registry → compat → formats      registry → store      serde → formats
 *   cli → the public surfaces (package entry, serde entry, main, and each layer's entry module)
 *
 * fastify lives in http/ (and main.ts, the composition root), better-sqlite3 in store/sqlite/,
 * kafkajs in store/kafka/ and the serde's kafkajs helpers. No import cycles between files.
 */
const layer = (name) => `^src/${name}/`

/** Folders each layer must not import. */
const forbiddenByLayer = {
  formats: ['compat', 'registry', 'store', 'http', 'serde', 'cli'],
  compat: ['registry', 'store', 'http', 'serde', 'cli'],
  registry: ['http', 'serde', 'cli'],
  store: ['registry', 'compat', 'http', 'serde', 'cli'],
  serde: ['compat', 'registry', 'store', 'http', 'cli'],
  http: ['cli', 'serde'],
}

const layerRules = Object.entries(forbiddenByLayer).map(([from, targets]) => ({
  name: `layer-${from}`,
  comment: `${from}/ may not import ${targets.join(', ')}`,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: `^src/(${targets.join('|')})/` },
}))

/** Third-party packages confined to the folders that own them. */
const confined = [
  { pkg: 'fastify', allowed: '^src/(http/|main\\.ts$)' },
  { pkg: 'better-sqlite3', allowed: '^src/store/(sqlite|kafka)/' },
  { pkg: 'kafkajs', allowed: '^src/(store/kafka/|serde/kafkajs\\.ts$)' },
  { pkg: 'highlight.js', allowed: '^src/http/ui/' },
  { pkg: 'diff', allowed: '^src/http/ui/' },
]

const packageRules = confined.map(({ pkg, allowed }) => ({
  name: `package-${pkg}`,
  comment: `${pkg} is used only in ${allowed}`,
  severity: 'error',
  from: { path: '^src/', pathNot: [allowed, '\\.test\\.ts$'] },
  to: { path: `node_modules/${pkg}/` },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files may not import each other in a cycle',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...layerRules,
    ...packageRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|^src/.*/testing/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}
