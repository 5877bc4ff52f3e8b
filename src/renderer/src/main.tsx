import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { ClientUnavailablePage } from './pages/ClientUnavailablePage'
import { connectClient } from './transport'
// Stylesheets, in cascade order: later files may override earlier ones.
import './styles/base.css'
import './styles/frame.css'
import './styles/components.css'
import './styles/states.css'
import './styles/shared.css'
import './dashboard/dashboard.css'
import './styles/forms.css'
import './history/history.css'
import './settings/settings.css'

const result = connectClient()
const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root element.')

createRoot(container).render(
  <StrictMode>
    {result.ok ? <App client={result.client} /> : <ClientUnavailablePage reason={result.reason} />}
  </StrictMode>,
)
