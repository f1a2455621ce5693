namespace MeshClaw.Core.Loop;

/// <summary>The gateway is stopping while the run waits for an approval: the run parks instead of ending.</summary>
public sealed class RunParkedException() : Exception("the run is parked until its approval is answered");
