// A post's old address (theme/templates/redirect.html): go on to the post at once, keeping the old
// address's #fragment, which the page's meta refresh (there for readers without JavaScript) drops.
// Runs before the refresh is parsed, so this navigation is the one that happens.
location.replace(document.currentScript.dataset.target + location.hash);
