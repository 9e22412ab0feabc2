/**
 * Import direction of the web app: a folder imports only from the folders below it.
 *
 *   types ← stores ← api ← lib ← hooks ← components ← pages ← App, router, main
 *
 * `src/test/` holds helpers for tests: tests may import it, nothing else may. Imports between
 * folders go through the `@/` alias (a `../` import is refused) so that this rule sees them.
 * ESLint's own `no-restricted-imports` does the work; eslint.layers.test.js shows it failing.
 */
export const LAYERS = ['types', 'stores', 'api', 'lib', 'hooks', 'components', 'pages'];
const ENTRY_POINTS = ['App', 'router', 'main'];

const modulesOf = (folders) => folders.flatMap((folder) => [`@/${folder}`, `@/${folder}/**`]);

function restrictions(layer, { forTests }) {
  const index = LAYERS.indexOf(layer);
  const above = [...LAYERS.slice(index + 1), ...ENTRY_POINTS];
  const allowed = LAYERS.slice(0, index);
  const patterns = [
    {
      group: modulesOf(above),
      message:
        `${layer}/ may import only from ${allowed.length ? allowed.join(', ') : 'packages'}: ` +
        'a lower folder never imports a higher one (see eslint.layers.js).',
    },
    { group: ['../*'], message: 'Import from another folder through the @/ alias.' },
  ];
  if (!forTests) patterns.push({ group: modulesOf(['test']), message: 'src/test/ is for tests only.' });
  return ['error', { patterns }];
}

/** ESLint flat-config entries, one pair (code, tests) per layer. */
export function importDirection() {
  return LAYERS.flatMap((layer) => [
    {
      files: [`src/${layer}/**/*.{ts,tsx}`],
      rules: { 'no-restricted-imports': restrictions(layer, { forTests: false }) },
    },
    {
      files: [`src/${layer}/**/*.test.{ts,tsx}`],
      rules: { 'no-restricted-imports': restrictions(layer, { forTests: true }) },
    },
  ]);
}
