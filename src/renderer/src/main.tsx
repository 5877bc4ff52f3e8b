import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connectClient } from './transport'

const result = connectClient()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <p>{result.ok ? 'Drydock' : result.reason}</p>
  </StrictMode>,
)
