// Browser mode's page arrives with its first frame in it, rendered by its server
// (src/web/first-frame-page.ts): this script runs once that markup is parsed. It lets the browser
// paint the frame, then loads the app, which renders afresh over it. A page opened at another
// page's hash drops the frame first: its markup is the default page's.
;(() => {
  const script = document.currentScript
  const { entry, route, preload } = script.dataset
  const path = decodeURIComponent(location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '')
  if (path !== '' && path !== route) document.getElementById('root')?.replaceChildren()

  const load = () => {
    for (const href of (preload ?? '').split(' ').filter(Boolean)) {
      const link = document.createElement('link')
      link.rel = 'modulepreload'
      link.crossOrigin = ''
      link.href = href
      document.head.append(link)
    }
    const app = document.createElement('script')
    app.type = 'module'
    app.crossOrigin = ''
    app.src = entry
    document.head.append(app)
  }
  // Once the frame is on the screen (its contentful paint is reported after it was presented:
  // loading the app beside its rasterizing slowed it); at once in a hidden tab, which paints no
  // frames, and after a second at most.
  let loaded = false
  const once = () => {
    if (loaded) return
    loaded = true
    load()
  }
  if (document.visibilityState === 'hidden') once()
  else {
    new PerformanceObserver((list, observer) => {
      if (!list.getEntriesByName('first-contentful-paint').length) return
      observer.disconnect()
      once()
    }).observe({ type: 'paint', buffered: true })
    setTimeout(once, 1000)
  }
})()
