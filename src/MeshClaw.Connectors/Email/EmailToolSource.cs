using MeshClaw.Connectors.Email.Tools;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email;

/// <summary>The email tools, built from the "email" section of one config version, over the shared IMAP connections.</summary>
public sealed class EmailToolSource(MailConnections mail, ISecretStore secrets) : IToolSource
{
    public IEnumerable<IAgentTool> CreateTools(ConfigSections config)
    {
        var settings = config.Get<EmailSettings>();
        return
        [
            new ListMailTool(settings, mail), new ReadMailTool(settings, mail),
            new MoveMailTool(settings, mail, MoveKind.Move), new MoveMailTool(settings, mail, MoveKind.Archive), new MoveMailTool(settings, mail, MoveKind.Delete),
            new FlagMailTool(settings, mail, markRead: false), new FlagMailTool(settings, mail, markRead: true),
            new DraftReplyTool(settings, mail), new DraftBatchTool(settings, mail), new SendMailTool(settings, mail, secrets.Get), new FileBatchTool(settings, mail),
            new PurgeQuarantineTool(settings, mail),
        ];
    }
}
