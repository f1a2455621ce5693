namespace MeshClaw.Core.Dreaming;

/// <summary>What a learned rule matches on: the sender's address (mail with no List-Id), or the List-Id.</summary>
public enum RuleMatch
{
    Sender,
    List,
}
