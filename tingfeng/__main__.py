from tingfeng.cli import app

app()
