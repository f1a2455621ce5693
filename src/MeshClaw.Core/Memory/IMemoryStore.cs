namespace MeshClaw.Core.Memory;

/// <summary>
/// Notes an agent keeps between runs. Every operation is scoped to one agent: an agent can neither read nor forget
/// another agent's notes.
/// </summary>
public interface IMemoryStore
{
    Task<long> AddAsync(string agent, string text, string trust, string? sourceRun, DateTimeOffset at, CancellationToken cancellationToken);
    Task<bool> ForgetAsync(string agent, long id, CancellationToken cancellationToken);
    Task<bool> ExistsAsync(string agent, long id, CancellationToken cancellationToken);
    Task<IReadOnlyList<MemoryNote>> SearchAsync(string agent, string query, int limit, CancellationToken cancellationToken);
}
