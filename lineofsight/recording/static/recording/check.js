// Line of Sight: "Check my writing" checks the text as it is typed.
//
// Without JavaScript the person sends the form and the page comes back with the text checked.
// With it, a pause in typing sends the text to the page's live address, which checks it and
// answers with the results as the page shows them; nothing is stored or counted there either.
// Loaded as a module (the content security policy forbids inline scripts).
const form = document.querySelector('form[data-check-form]')
const results = document.querySelector('[data-check-results]')
const status = form && form.querySelector('[data-check-status]')
const PAUSE_MS = 800
// Very long texts are checked when the form is sent, not at every pause.
const LIVE_LIMIT = 50000

let timer = null
let latest = 0

async function checkNow () {
  const text = form.elements.text.value
  if (!text.trim() || text.length > LIVE_LIMIT) return
  const asked = ++latest
  status.textContent = 'Checking…'
  try {
    const response = await fetch(form.dataset.liveUrl, {
      method: 'POST',
      body: new FormData(form),
      headers: { 'X-Requested-With': 'fetch' },
      credentials: 'same-origin'
    })
    if (asked !== latest) return // a newer check is on its way
    if (!response.ok) {
      status.textContent = 'Send the form to check this text.'
      return
    }
    const answer = await response.json()
    // The server escapes every piece of the text in this HTML, as it does for the whole page.
    results.innerHTML = answer.html
    status.textContent = 'Checked as you type.'
  } catch (error) {
    if (asked === latest) status.textContent = 'Send the form to check this text.'
  }
}

if (form && results && status && form.dataset.liveUrl) {
  form.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(checkNow, PAUSE_MS)
  })
}
