/**
 * The parts of rxjs the root entry uses, imported from rxjs's own modules rather than from
 * `'rxjs'`: that barrel loads all of rxjs (200+ CommonJS modules, which was most of a cold
 * import of this package). They are the very classes and operators `'rxjs'` exports (the same
 * files under every export condition), so a user's `pipe()`, operators and `instanceof` work
 * unchanged. Type-only imports may keep naming `'rxjs'`: they cost nothing at run time.
 */
export { Observable } from 'rxjs/internal/Observable';
export { Subject } from 'rxjs/internal/Subject';
export { Subscriber } from 'rxjs/internal/Subscriber';
export { share } from 'rxjs/internal/operators/share';
