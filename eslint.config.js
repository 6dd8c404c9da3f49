// ESLint 9 flat config: one job, keeping HTML sinks and string-to-code out of everything that ships or drives the
// browser. Clausemark renders text, never HTML, and never evaluates strings (docs/threat-model.md).
import tseslint from 'typescript-eslint';

const HTML_SINK = 'Clausemark renders text, never HTML: build nodes and set textContent instead.';
const CODE_FROM_STRING = 'Never turn a string into code: pass a function.';

/** The rules, exported so tests/security/lint.test.ts can check each on its own snippet. */
export const securityRules = {
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-restricted-properties': [
    'error',
    { property: 'innerHTML', message: HTML_SINK },
    { property: 'outerHTML', message: HTML_SINK },
    { property: 'insertAdjacentHTML', message: HTML_SINK },
    { property: 'setHTMLUnsafe', message: HTML_SINK },
    { property: 'createContextualFragment', message: HTML_SINK },
    { object: 'document', property: 'write', message: HTML_SINK },
    { object: 'document', property: 'writeln', message: HTML_SINK },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: HTML_SINK },
    { selector: "Property[key.name='dangerouslySetInnerHTML']", message: HTML_SINK },
    { selector: "Property[key.value='dangerouslySetInnerHTML']", message: HTML_SINK },
    { selector: "MemberExpression[object.property.name='document'][property.name=/^write(ln)?$/]", message: HTML_SINK },
    // A string, template or concatenation as the timer's callback is eval; no-implied-eval misses some shapes.
    {
      selector:
        "CallExpression[callee.name=/^(setTimeout|setInterval)$/] > :first-child:matches(Literal, TemplateLiteral, BinaryExpression[operator='+'])",
      message: CODE_FROM_STRING,
    },
    {
      selector:
        "CallExpression[callee.property.name=/^(setTimeout|setInterval)$/] > :first-child:matches(Literal, TemplateLiteral, BinaryExpression[operator='+'])",
      message: CODE_FROM_STRING,
    },
  ],
};

/** Rules that need type information (the TypeScript project of tsconfig.json). */
export const typedSecurityRules = { '@typescript-eslint/no-implied-eval': 'error' };

/** What ships (lib, components, entrypoints) and what drives the browser (scripts, tests/support). */
export const LINTED = ['lib', 'components', 'entrypoints', 'scripts', 'tests/support'].map((dir) => `${dir}/**/*.{js,mjs,ts,tsx}`);

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'tests/!(support)/**', 'tests/*.*', 'reports/**', 'demo-output/**'] },
  {
    files: LINTED,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: true } },
    },
    // No eslint-disable comments: these rules have no exceptions.
    linterOptions: { noInlineConfig: true },
    rules: securityRules,
  },
  {
    // With types: a timer or eval-like call given a string *variable* is caught too.
    files: LINTED.map((pattern) => pattern.replace('{js,mjs,ts,tsx}', '{ts,tsx}')),
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: typedSecurityRules,
  },
);
