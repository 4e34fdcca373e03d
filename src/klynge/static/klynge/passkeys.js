// Passkeys: once django-otp-webauthn's script has saved a new passkey, go on to the page that says so
// (and shows new backup codes). Loaded as a file: the Content-Security-Policy allows no inline script.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const box = event.target.closest("[data-passkey-done]");
  if (box) window.location.assign(box.dataset.passkeyDone);
});
