namespace MeshClaw.Core.Idle;

/// <summary>
/// Something that holds memory a burst of work left behind and can let it go once the gateway is idle (a store's pooled
/// connections and their page caches). Called by the gateway's idle trim, before it asks the GC to give memory back.
/// </summary>
public interface IIdleTrim
{
    void Trim();
}
