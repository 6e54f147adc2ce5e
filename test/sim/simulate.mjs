// The independent referee of velero-irsa's policy tests: @cloud-copilot/iam-simulate (AGPL-3.0,
// installed at test time by IamSimulator.java into target/, never shipped) decides each request
// against identity policies (and a resource policy, where one is given), as IAM would.
//
// stdin, one per line: {"principal": "<role ARN>", "account": "<its account>", "identityPolicies": [<policy>...],
//         "resourcePolicy": <policy or null>, "resourceAccount": "<account of the resource>",
//         "requests": [{"action": "...", "resource": "...", "context": {...},
//                       "resourcePolicy": <this request's resource policy, instead of the one above>}...]}
// stdout, one line per input: one verdict per request, in order: "Allowed", "ImplicitlyDenied", "ExplicitlyDenied", or
//         "error: <what the simulator refused>" for a request it does not accept as valid.
import { runSimulation } from '@cloud-copilot/iam-simulate'

import { createInterface } from 'node:readline'

// One input per line, one line of verdicts per input: a test run keeps one process.
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue
  const input = JSON.parse(line)
  const verdicts = []
  for (const r of input.requests) {
    const simulation = {
      request: {
        principal: input.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: input.resourceAccount ?? input.account },
        contextVariables: r.context ?? {}
      },
      identityPolicies: input.identityPolicies.map((policy, i) => ({ name: 'policy' + i, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: []
    }
    const resourcePolicy = r.resourcePolicy ?? input.resourcePolicy
    if (resourcePolicy) simulation.resourcePolicy = resourcePolicy
    const response = await runSimulation(simulation, {})
    verdicts.push(response.errors ? 'error: ' + JSON.stringify(response.errors).slice(0, 500) : response.result.analysis.result)
  }
  process.stdout.write(JSON.stringify(verdicts) + '\n')
}
