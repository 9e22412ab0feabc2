/**
 * jsdom has the <dialog> element but none of its behaviour. This stands in for the browser's,
 * as far as the unit tests need it: showModal() and close() set `open` (so the dialog is in
 * the accessibility tree) and fire `close`; Escape fires a cancelable `cancel` at the topmost
 * open dialog and closes it unless refused; showModal() focuses the first focusable element.
 * The inert background and the focus trap are the browser's own and are checked by the
 * browser tests.
 */
const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export function installDialogStandIn() {
  const proto = HTMLDialogElement.prototype;
  if (typeof proto.showModal === 'function') return;
  proto.showModal = function showModal(this: HTMLDialogElement) {
    if (this.hasAttribute('open')) throw new DOMException('The dialog is already open.', 'InvalidStateError');
    this.setAttribute('open', '');
    this.dataset.modal = 'true';
    (this.querySelector<HTMLElement>(FOCUSABLE) ?? this).focus();
  };
  proto.show = function show(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  proto.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    delete this.dataset.modal;
    this.dispatchEvent(new Event('close'));
  };
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const top = Array.from(document.querySelectorAll<HTMLDialogElement>('dialog[open][data-modal]')).at(-1);
    if (top && top.dispatchEvent(new Event('cancel', { cancelable: true }))) top.close();
  });
}
