/** The `html` template tag: htm's JSX-like markup, rendered by Preact (which escapes every text value). */
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
