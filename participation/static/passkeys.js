/* Passkeys (WebAuthn): adding one on the account security page, and using one to sign in.
   Progressive enhancement: without JavaScript or WebAuthn these controls stay hidden and
   the authenticator app (a plain form) is used instead. No third-party code. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) return;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "Something went wrong. Try again.");
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function encoded(credential) {
    var response = credential.response, out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      if (response.userHandle) out.response.userHandle = toText(response.userHandle);
    }
    return out;
  }

  function showError(box, error) {
    var place = box.querySelector("[data-passkey-error]");
    if (place) place.textContent = error.name === "NotAllowedError"
      ? "The passkey was not used. Try again, or use a code."
      : error.message;
  }

  function register(form) {
    var name = form.querySelector("input[name=name]");
    post(form.dataset.optionsUrl).then(function (options) {
      options.challenge = toBytes(options.challenge);
      options.user.id = toBytes(options.user.id);
      options.excludeCredentials = descriptors(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      return post(form.dataset.registerUrl, {
        name: name ? name.value : "", credential: encoded(credential)
      });
    }).then(function (result) {
      window.location.assign(result.redirect);
    }).catch(function (error) { showError(form, error); });
  }

  function signIn(box) {
    post(box.dataset.optionsUrl).then(function (options) {
      options.challenge = toBytes(options.challenge);
      options.allowCredentials = descriptors(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      return post(box.dataset.verifyUrl, encoded(credential));
    }).then(function (result) {
      window.location.assign(result.redirect);
    }).catch(function (error) { showError(box, error); });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      register(form);
    });
  });
  document.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
    note.hidden = true;
  });
  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) {
    box.hidden = false;
    box.querySelector("[data-passkey-start]").addEventListener("click", function () {
      signIn(box);
    });
  });
})();
