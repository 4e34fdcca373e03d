// Passkeys, beside django-otp-webauthn's own script. Loaded as a file: the Content-Security-Policy
// allows no inline script.

// Once a new passkey is saved, go on to the page that says so (and shows new backup codes).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const box = event.target.closest("[data-passkey-done]");
  if (box) window.location.assign(box.dataset.passkeyDone);
});

// When Klynge refuses to start a passkey login (a lockout: 429), the library's script shows a
// generic text; show Klynge's own reason, which the unread JSON answer carries.
document.addEventListener("otp_webauthn.verification_failed", async (event) => {
  const response = event.detail && event.detail.response;
  const status = document.getElementById("passkey-verification-status-message");
  if (!response || response.bodyUsed || !status) return;
  if (!(response.headers.get("content-type") || "").includes("application/json")) return;
  try {
    const answer = await response.json();
    if (answer.detail) status.textContent = answer.detail;
  } catch (error) {
    // Not JSON after all: the library's text stays.
  }
});
