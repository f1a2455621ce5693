using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Tools;
using MeshClaw.Connectors.Files;
using MeshClaw.Connectors.Memory;
using MeshClaw.Connectors.Shell;
using MeshClaw.Connectors.Web;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Home;
using MeshClaw.Host.Tools.Admin;
using MeshClaw.Host.Tools.Delegation;
using MeshClaw.Storage.Memory;

namespace MeshClaw.Host.Tools;

/// <summary>Every tool MeshClaw has, built from the current configuration (allow-lists and limits) for each run.</summary>
public sealed class ToolCatalogFactory(MeshClawHome home, SqliteMemoryStore memories, MailConnections mail, Func<string, string?> secret, Func<ISubagentRunner> subagents) : IDisposable
{
    // Redirects are reported, not followed: following one could leave the allow-listed domain.
    private readonly HttpClient _web = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    public ToolCatalog Create(MeshClawConfig config) => new(
    [
        .. BuiltInTools.All,
        new WriteFileTool(), new DeleteFileTool(), new MoveFileTool(),
        new RunCommandTool(config.Shell),
        new WebFetchTool(config.Web, _web),
        new RememberTool(memories), new RecallTool(memories), new ForgetTool(memories),
        AgentFieldTool.Grants(home), AgentFieldTool.Budget(home), AgentFieldTool.Schedule(home),
        new UpdateConfigTool(home), new RestoreHomeFileTool(home),
        new DelegateTool(subagents),
        new ListMailTool(config.Email, mail), new ReadMailTool(config.Email, mail),
        new MoveMailTool(config.Email, mail, MoveKind.Move), new MoveMailTool(config.Email, mail, MoveKind.Archive), new MoveMailTool(config.Email, mail, MoveKind.Delete),
        new FlagMailTool(config.Email, mail, markRead: false), new FlagMailTool(config.Email, mail, markRead: true),
        new DraftReplyTool(config.Email, mail), new SendMailTool(config.Email, mail, secret), new FileBatchTool(config.Email, mail),
    ]);

    public void Dispose() => _web.Dispose();
}
