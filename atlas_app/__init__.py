"""The Streamlit side of the atlas: session state, caching and widgets shared by the pages."""
