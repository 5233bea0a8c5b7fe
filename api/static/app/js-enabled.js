// GOV.UK Frontend styles its enhanced components only when the body says
// scripts run; kept in a file because the pages allow no inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
