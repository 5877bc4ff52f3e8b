/** The engine's facts, compactly: which Docker this dashboard describes. */
import type { ReactNode } from 'react'
import type { EngineInfo } from '../../../shared/contract'
import { Fact, FactsCard } from '../components/Facts'
import { describeHost, describeHostSource, describeImageStore } from '../describe'

export function EngineCard({ engine }: { engine: EngineInfo }): ReactNode {
  return (
    <FactsCard
      className="engine-card"
      title={
        <>
          <span className="card__eyebrow">Docker Engine</span>
          <span className="engine-version" data-testid="engine-version">
            {engine.version}
          </span>
        </>
      }
    >
      <Fact label="Host" mono>
        <span data-testid="engine-host">{describeHost(engine.host)}</span>
      </Fact>
      <Fact label="Chosen by">{describeHostSource(engine.hostSource)}</Fact>
      <Fact label="Storage">
        {engine.storageDriver} · {describeImageStore(engine.imageStore)}
      </Fact>
      <Fact label="Data root" mono>
        {engine.dataRoot || '—'}
      </Fact>
      <Fact label="Platform">
        {engine.osType}/{engine.arch} · API {engine.apiVersion}
      </Fact>
    </FactsCard>
  )
}
