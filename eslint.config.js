import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules', 'build', 'dist', 'assembly', 'test-results', 'data'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness comes from the kernel PRNG.' },
        { object: 'Math', property: 'exp', message: 'Transcendentals come from the kernel.' },
        { object: 'Math', property: 'log', message: 'Transcendentals come from the kernel.' },
        { object: 'Math', property: 'tanh', message: 'Transcendentals come from the kernel.' },
        { object: 'Math', property: 'sin', message: 'Transcendentals come from the kernel.' },
        { object: 'Math', property: 'cos', message: 'Transcendentals come from the kernel.' },
      ],
    },
  },
  {
    files: ['tests/**', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
