import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { ClientUnavailablePage } from './pages/ClientUnavailablePage'
import { connectClient } from './transport'
import './styles.css'

const result = connectClient()
const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root element.')

createRoot(container).render(
  <StrictMode>
    {result.ok ? <App client={result.client} /> : <ClientUnavailablePage reason={result.reason} />}
  </StrictMode>,
)
