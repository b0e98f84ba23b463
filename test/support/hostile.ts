/** Query values a visitor can put in any hosted page's address (the component and browser suites feed them). */
export const HOSTILE = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'x'.repeat(5000),
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '/\\evil.example',
  '//evil.example/x',
  '\u202e\u0000%00',
];
