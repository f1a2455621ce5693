namespace MeshClaw.Core.Composition;

/// <summary>Prepares the store at start-up: creates or migrates the schema and fills the caches the gate reads.</summary>
public interface IStoreInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}
