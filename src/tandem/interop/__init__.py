"""Reading and writing other tools' files. Readers that need no database import no Django."""
