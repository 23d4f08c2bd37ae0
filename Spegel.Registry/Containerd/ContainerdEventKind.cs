namespace Spegel.Registry.Containerd;

/// <summary>The containerd event topics the change feed follows.</summary>
internal enum ContainerdEventKind
{
    /// <summary><c>/images/create</c>: a name now points at a target.</summary>
    ImageCreated,

    /// <summary><c>/images/update</c>: a name may point at a different target.</summary>
    ImageUpdated,

    /// <summary><c>/images/delete</c>: a name was removed; its content is collected later.</summary>
    ImageDeleted,

    /// <summary><c>/content/delete</c>: a blob was removed through the content service.</summary>
    ContentDeleted,
}
