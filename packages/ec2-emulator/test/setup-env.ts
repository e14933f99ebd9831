// The SDK warns on Node 20 at every client creation; tests do not need the notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
