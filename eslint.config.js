// @ts-check
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { defineConfig, globalIgnores } from 'eslint/config';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * ESLint for every TypeScript and JavaScript file of the repository: packages/ and elements/
 * (src, test), test/, tools/ and the root config files. Recommended rules of ESLint and
 * typescript-eslint (not type-aware, to stay fast; `tsc --noEmit` does the type-checking),
 * and no import cycles.
 */
export default defineConfig([
  globalIgnores(['**/dist/', '**/node_modules/', '**/schema/', '.nx/', 'coverage/', 'out/', 'debian-image.*']),
  {
    files: ['**/*.{ts,mts,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      globals: globals.node,
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      // Relative imports say `./x.js` and mean `./x.ts` (NodeNext): the TypeScript resolver maps them.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.base.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
]);
