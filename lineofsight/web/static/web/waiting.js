// Line of Sight: a page that waits for work in the background looks again by itself.
//
// Without JavaScript the page never refreshes itself (WCAG 2.2.1): the person presses "Check
// progress" when they want to look again. With it, this asks for the same page every few
// seconds; while the work runs it puts the new progress in the page's status region, which
// screen readers announce, and once the work has finished it loads the page again to show the
// result. It stops after a while, or when the person asks, and says so.
// Markup: web/templates/web/includes/waiting.html. Loaded as a module (the content security
// policy forbids inline scripts).
const region = document.querySelector('[data-waiting="running"]')
const EVERY_SECONDS = 5
const LIMIT_MINUTES = 20
// A few failed looks in a row (the server restarting, a dropped connection) before giving up.
const FAILURES_ALLOWED = 3

function say (status, text) {
  let said = status.querySelector('[data-waiting-said]')
  if (!said) {
    said = document.createElement('p')
    said.className = 'govuk-body govuk-!-margin-bottom-2'
    said.setAttribute('data-waiting-said', '')
    status.appendChild(said)
  }
  said.textContent = text
}

function start () {
  const status = region.querySelector('[data-waiting-status]')
  const progress = region.querySelector('[data-waiting-progress]')
  const how = region.querySelector('[data-waiting-how]')
  const actions = region.querySelector('[data-waiting-actions]')
  if (!status || !progress || !how || !actions) return
  const check = actions.querySelector('a')

  const url = window.location.href.split('#')[0]
  const until = Date.now() + LIMIT_MINUTES * 60 * 1000
  let timer = null
  let failures = 0
  let stopped = false
  let asking = false

  const stopButton = document.createElement('button')
  stopButton.type = 'button'
  stopButton.className = 'govuk-button govuk-button--secondary'
  stopButton.textContent = 'Stop checking'

  function stop (why) {
    stopped = true
    clearTimeout(timer)
    // The button goes: keep the keyboard where it was, on the button beside it.
    const hadFocus = document.activeElement === stopButton
    stopButton.remove()
    if (hadFocus && check) check.focus()
    how.textContent = 'This page no longer checks progress by itself. Check progress to see how ' +
      'far it has got; the result is shown here once it has finished.'
    say(status, why)
  }

  async function look () {
    if (stopped) return
    if (Date.now() > until) {
      stop(`This page stopped checking after ${LIMIT_MINUTES} minutes. Check progress to see ` +
        'how far it has got.')
      return
    }
    // A hidden tab asks nothing; it looks again as soon as it is shown.
    if (document.hidden || asking) return
    asking = true
    let fresh = null
    try {
      const response = await fetch(url, {
        headers: { Accept: 'text/html' },
        credentials: 'same-origin',
        cache: 'no-store'
      })
      // Led elsewhere (signed out, say): this page can no longer tell how the work is going.
      if (response.redirected) {
        stop('This page could not check progress. Check progress to try again.')
        return
      }
      if (response.ok) {
        fresh = new DOMParser().parseFromString(await response.text(), 'text/html')
      }
    } catch (error) {
      fresh = null
    } finally {
      asking = false
    }
    if (stopped) return
    if (fresh === null) {
      failures += 1
      if (failures >= FAILURES_ALLOWED) {
        stop('This page could not check progress. Check progress to try again.')
      } else {
        timer = setTimeout(look, EVERY_SECONDS * 1000)
      }
      return
    }
    failures = 0
    const running = fresh.querySelector('[data-waiting="running"] [data-waiting-progress]')
    if (running === null) {
      // Finished: the same page now shows the result.
      stopped = true
      say(status, 'It has finished. Showing the result.')
      window.location.replace(url)
      return
    }
    if (running.innerHTML.trim() !== progress.innerHTML.trim()) {
      // The server escapes everything in this HTML, as it does for the whole page.
      progress.replaceChildren(...running.childNodes)
      const said = status.querySelector('[data-waiting-said]')
      if (said) said.remove()
    }
    timer = setTimeout(look, EVERY_SECONDS * 1000)
  }

  stopButton.addEventListener('click', () => {
    stop('This page has stopped checking. Check progress to see how far it has got.')
  })
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !stopped) {
      clearTimeout(timer)
      look()
    }
  })

  how.textContent = `This page checks progress every ${EVERY_SECONDS} seconds and shows the ` +
    'result once it has finished.'
  actions.appendChild(stopButton)
  timer = setTimeout(look, EVERY_SECONDS * 1000)
}

if (region) start()
