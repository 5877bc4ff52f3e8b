// Browser mode's page arrives with its first frame in it, rendered by its server
// (src/web/first-frame-page.ts): this script runs once that markup is parsed. It lets the browser
// paint the frame, then loads the app, which renders afresh over it. A page opened at another
// page's hash drops the frame (its markup is the default page's) and loads the app at once.
;(() => {
  const script = document.currentScript
  const { entry, route, preload } = script.dataset

  let loaded = false
  const load = () => {
    if (loaded) return
    loaded = true
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
  // Whatever happens below, the app loads within a second.
  setTimeout(load, 1000)

  let path = null
  try {
    path = decodeURIComponent(location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '')
  } catch {
    // A hash that is not valid percent-encoding names no page of ours: the app says so.
  }
  if (path !== '' && path !== route) {
    document.getElementById('root')?.replaceChildren()
    load()
  } else if (document.visibilityState === 'hidden' || typeof PerformanceObserver !== 'function') {
    // A hidden tab paints no frames.
    load()
  } else {
    // Once the frame is on the screen: its contentful paint is reported after it was presented.
    // Loading the app beside its rasterizing slowed that paint.
    new PerformanceObserver((list, observer) => {
      if (!list.getEntriesByName('first-contentful-paint').length) return
      observer.disconnect()
      load()
    }).observe({ type: 'paint', buffered: true })
  }
})()
