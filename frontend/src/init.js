// Line of Sight: start GOV.UK Frontend and MOJ Frontend components.
//
// Load once, at the end of <body>, as a module (the content security policy
// forbids inline scripts):
//   <script type="module" src="{% static 'lineofsight/init.js' %}"></script>
// Browsers without ES module support skip it and get the no-JavaScript
// versions of the components.
import { createAll, initAll as initGovukFrontend } from './govuk-frontend.min.js'
import { FilterToggleButton, initAll as initMojFrontend } from './moj-frontend.min.js'

// What the GOV.UK page template's inline snippet would do. Both design
// systems only start when <body> has `govuk-frontend-supported`.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()

// Not covered by MOJ's initAll(): the filter's show/hide button, for
// <div class="moj-filter" data-module="moj-filter">.
createAll(FilterToggleButton)
