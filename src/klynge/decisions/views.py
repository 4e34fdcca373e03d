def frontpage_section(request, cluster):
    return None
