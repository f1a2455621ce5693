using System.Text.Json;
using MeshClaw.Connectors.Memory;
using MeshClaw.Core.Memory;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Tests.Memory;

/// <summary>An agent's notes are its own: it can neither find nor forget another agent's.</summary>
public sealed class MemoryToolTests : IAsyncLifetime
{
    private TestMeshClaw _meshclaw = null!;

    public async Task InitializeAsync() => _meshclaw = await TestMeshClaw.CreateAsync();

    public async Task DisposeAsync() => await _meshclaw.DisposeAsync();

    private ToolContext As(string agent) => new(agent, new RunId("run_t"), _meshclaw.Folder, _meshclaw.Time);

    [Fact]
    public async Task Forget_CannotDeleteAnotherAgentsNote()
    {
        var memories = _meshclaw.Get<IMemoryStore>();
        var note = await memories.AddAsync("alice", "alice's secret plan", "observed", "run_a", _meshclaw.Time.GetUtcNow(), default);
        var forget = new ForgetTool(memories);

        var byMallory = await forget.InvokeAsync(JsonSerializer.SerializeToElement(new { id = note }), As("mallory"), default);
        var reconciled = await forget.ReconcileAsync(JsonSerializer.SerializeToElement(new { id = note }), As("mallory"), default);

        Assert.True(byMallory.IsError);
        Assert.Contains("has no note", byMallory.Content, StringComparison.Ordinal);
        Assert.Equal(ReconcileOutcome.Done, reconciled);
        Assert.True(await memories.ExistsAsync("alice", note, default));
        Assert.Single(await memories.SearchAsync("alice", "plan", 10, default));
        Assert.Empty(await memories.SearchAsync("mallory", "plan", 10, default));
    }
}
