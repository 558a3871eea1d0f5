// ESLint: typescript-eslint, the rules of hooks, and import boundaries (bulletproof-react):
// shared code (lib, components, config, types) never imports a feature or the app; a feature
// never imports another feature; only app/ composes features.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const FEATURES = ['auth', 'connection', 'customers', 'workflow']

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })
const noApp = { group: ['@/app/*'], message: 'Only the app layer imports app/.' }
const noFeatures = { group: ['@/features/*'], message: 'Shared code must not depend on a feature.' }
const relativeUp = { group: ['../*'], message: 'Use the @/ alias for imports outside this folder.' }

export default tseslint.config(
  { ignores: ['dist', 'dist-baseline', 'node_modules', 'src/types'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat['recommended-latest'],
  { files: ['scripts/**', '*.config.*', 'bench-baseline/*.ts'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // The React Compiler rules in react-hooks 7 flag patterns this codebase uses on purpose
      // (a ref that tracks the latest callback); the classic two rules stay errors.
      'react-hooks/refs': 'off',
      'react-hooks/set-state-in-effect': 'off',
      ...restrict([relativeUp]),
    },
  },
  {
    files: ['src/lib/**', 'src/components/**', 'src/config/**'],
    rules: restrict([relativeUp, noApp, noFeatures]),
  },
  ...FEATURES.map((f) => ({
    files: [`src/features/${f}/**`],
    rules: restrict([
      relativeUp,
      noApp,
      {
        group: FEATURES.filter((o) => o !== f).map((o) => `@/features/${o}/*`),
        message: 'Features do not import each other: compose them in app/.',
      },
    ]),
  })),
)
