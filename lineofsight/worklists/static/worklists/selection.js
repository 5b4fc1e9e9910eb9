// Line of Sight: keep the children ticked on a team's worklist when moving to another page.
//
// Without JavaScript the "Keep ticked children" button does this. With it, following a link
// to another page of the same worklist (next page, a sorted column, a flag) or to the review of
// the selection, or applying the filters, first sends the ticks, then goes where the user asked. Nothing is sent when no tick
// has changed. Loaded as a module (the content security policy forbids inline scripts).
const form = document.querySelector('form[data-worklist-selection]')

function changed () {
  return Array.from(form.querySelectorAll('input[type=checkbox][name=person_id]'))
    .some((box) => box.checked !== box.defaultChecked)
}

function keepThenGo (url) {
  form.querySelector('input[name=next]').value = url
  const action = document.createElement('input')
  action.type = 'hidden'
  action.name = 'action'
  action.value = 'keep'
  form.appendChild(action)
  form.submit()
}

// Another page of this worklist, or a link marked to keep the ticks (the selection's review).
function keepsTicks (link) {
  const target = new URL(link.href, window.location.href)
  if (target.origin !== window.location.origin) return false
  return target.pathname === window.location.pathname || link.hasAttribute('data-keep-ticks')
}

if (form) {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]')
    if (!link || !changed() || !keepsTicks(link)) return
    event.preventDefault()
    const target = new URL(link.href, window.location.href)
    keepThenGo(target.pathname + target.search)
  })
  document.querySelectorAll('form[method=get]').forEach((filters) => {
    filters.addEventListener('submit', (event) => {
      if (!changed()) return
      event.preventDefault()
      const params = new URLSearchParams(new FormData(filters))
      const action = new URL(filters.action || window.location.href, window.location.href)
      keepThenGo(action.pathname + '?' + params.toString())
    })
  })
}
