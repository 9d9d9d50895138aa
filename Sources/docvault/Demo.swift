let demoCommand = Command(name: "demo", abstract: "demo", usage: "demo", discussion: nil, options: [], run: { _, _ in })
